pub async fn dashboard() -> &'static str { "" }
