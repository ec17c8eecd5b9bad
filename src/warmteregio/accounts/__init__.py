"""Accounts and roles: users, password hashing (argon2) and object-level permission checks."""
