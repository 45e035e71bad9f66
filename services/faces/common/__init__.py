"""What the outside faces (Open311, the web pages) share: settings, the catalogue, the backends."""
