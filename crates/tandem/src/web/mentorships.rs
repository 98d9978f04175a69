pub async fn request_page() -> &'static str { "" }
pub async fn send_request() -> &'static str { "" }
pub async fn detail() -> &'static str { "" }
pub async fn act() -> &'static str { "" }
pub async fn save_agreement() -> &'static str { "" }
pub async fn sign_agreement() -> &'static str { "" }
