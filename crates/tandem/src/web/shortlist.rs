pub async fn shortlist_page() -> &'static str { "" }
pub async fn add() -> &'static str { "" }
pub async fn remove() -> &'static str { "" }
