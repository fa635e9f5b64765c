#!/bin/sh
echo "schema engine not available offline; use scripts/new-migration.ts" >&2
exit 1
