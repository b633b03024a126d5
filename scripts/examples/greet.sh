#!/bin/sh
# Runs inside the container: sees the -e variables and scar's own.
echo "$GREETING, $TARGET! (request $REQUEST_ID)"
echo "outputs would go to $TMP_OUTPUT_DIR"
