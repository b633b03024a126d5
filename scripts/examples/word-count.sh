#!/bin/sh
# Runs inside the container once per file dropped into the bucket's input/ folder.
# The file is at $INPUT_FILE_PATH (its key in $STORAGE_OBJECT_KEY); whatever is written under
# $TMP_OUTPUT_DIR ends up in the bucket's output/ folder, keeping relative paths.
name=$(basename "$INPUT_FILE_PATH")
set -- $(wc < "$INPUT_FILE_PATH")
printf 'lines %s\nwords %s\nbytes %s\n' "$1" "$2" "$3" > "$TMP_OUTPUT_DIR/$name.count"
mkdir -p "$TMP_OUTPUT_DIR/upper"
tr 'a-z' 'A-Z' < "$INPUT_FILE_PATH" > "$TMP_OUTPUT_DIR/upper/$name"
echo "counted $STORAGE_OBJECT_KEY: $2 words"
