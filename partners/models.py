"""The partner-organization registry: reentry agencies, faith groups, employers, schools,
government offices; read by applications and screening."""
