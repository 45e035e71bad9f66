"""The e-mail adapter at the edge: outbound e-mails to SMTP, delivery reports back to Kafka."""
