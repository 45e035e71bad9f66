"""The WhatsApp adapter (Cloud API): Meta's webhook in, the Graph messages API out."""
