"""Application services: read and write functions shared by the API, the HTML pages and the CLI."""
