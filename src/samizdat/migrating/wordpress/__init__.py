"""WordPress eXtended RSS (WXR 1.1 and 1.2) exports: reading them, and turning them into samizdat's pages."""
