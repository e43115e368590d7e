#!/bin/sh
# One-shot (temporalio/admin-tools): create the namespace the engine uses and register its
# search attributes (the ones in outreach/search_attributes.py), so the web UI can filter
# leads by workspace, campaign, status and step. Idempotent: run at every start.
set -eu

: "${TEMPORAL_ADDRESS:?}" "${TEMPORAL_NAMESPACE:?}"
RETENTION="${TEMPORAL_RETENTION:-30d}"

echo "waiting for Temporal at ${TEMPORAL_ADDRESS}"
tries=0
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "Temporal is not healthy after 60 tries" >&2
    exit 1
  fi
  sleep 2
done

if ! temporal operator namespace describe --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
  temporal operator namespace create --namespace "$TEMPORAL_NAMESPACE" --retention "$RETENTION"
fi

existing="$(temporal operator search-attribute list --namespace "$TEMPORAL_NAMESPACE")"
for attribute in \
  OutreachWorkspaceId:Keyword \
  OutreachCampaignId:Keyword \
  OutreachLeadStatus:Keyword \
  OutreachStep:Int \
  OutreachEventType:Keyword \
  OutreachWebhookEndpointId:Keyword \
  OutreachDeliveryStatus:Keyword
do
  name="${attribute%%:*}"
  type="${attribute##*:}"
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "search attribute ${name} exists"
  else
    temporal operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" \
      --name "$name" --type "$type"
  fi
done
echo "namespace ${TEMPORAL_NAMESPACE} is ready"
