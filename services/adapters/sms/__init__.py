"""The SMS adapter at the edge: Kannel MO messages to intake, outbound SMS through smsbox."""
