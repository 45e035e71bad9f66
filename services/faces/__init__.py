"""The faces at the edge: Open311 and the web pages; they call the services over HTTP only."""
