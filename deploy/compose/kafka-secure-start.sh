#!/usr/bin/env bash
# Kafka in the secure compose profile (docker-compose.secure.yml): format the data folder once with
# the super user's SCRAM credential (KRaft keeps credentials in its metadata log, so the first one
# must be there before the broker can authenticate anybody), then start as the image does.
# The image's own format step then finds the folder formatted and goes on.
set -euo pipefail

: "${SCRAM_ADMIN_PASSWORD:?set LAPOR_KAFKA_ADMIN_PASSWORD in .env (lapor kafka-access compose-env)}"

if [[ ! -f "$KAFKA_LOG_DIRS/meta.properties" ]]; then
  props="$(mktemp)"
  cat >"$props" <<PROPS
process.roles=$KAFKA_PROCESS_ROLES
node.id=$KAFKA_NODE_ID
controller.quorum.voters=$KAFKA_CONTROLLER_QUORUM_VOTERS
controller.listener.names=$KAFKA_CONTROLLER_LISTENER_NAMES
listeners=$KAFKA_LISTENERS
listener.security.protocol.map=$KAFKA_LISTENER_SECURITY_PROTOCOL_MAP
inter.broker.listener.name=$KAFKA_INTER_BROKER_LISTENER_NAME
log.dirs=$KAFKA_LOG_DIRS
PROPS
  /opt/kafka/bin/kafka-storage.sh format --ignore-formatted --cluster-id "$CLUSTER_ID" -c "$props" \
    --add-scram "SCRAM-SHA-512=[name=admin,password=$SCRAM_ADMIN_PASSWORD]"
  rm -f "$props"
fi

exec /etc/kafka/docker/run
