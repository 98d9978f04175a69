pub async fn list() -> &'static str { "" }
pub async fn detail() -> &'static str { "" }
pub async fn enroll() -> &'static str { "" }
pub async fn appoint_coordinator() -> &'static str { "" }
pub async fn enrollments() -> &'static str { "" }
pub async fn mentors() -> &'static str { "" }
pub async fn new_program_page() -> &'static str { "" }
pub async fn create_program() -> &'static str { "" }
