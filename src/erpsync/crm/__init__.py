"""The CRM side: companies, persons, projects and the lists they use."""
