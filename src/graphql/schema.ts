import { builder } from './builder.js';
// One file per GraphQL type, holding the type and its own queries, mutations and subscriptions.
import './types/scalars.js';
import './types/enums.js';
import './types/device-group.js';
import './types/device.js';
import './types/incident.js';
import './types/incident-comment.js';
import './types/indicator.js';
import './types/alert.js';
import './types/automation-rule.js';
import './types/webhook.js';
import './types/evidence.js';
import './types/investigation.js';
import './types/remediation-action.js';
import './types/action-event.js';
import './types/audit-event.js';
import './types/agent-work.js';
import './types/collection.js';
import './types/policy-evaluation.js';
import './types/tenant-settings.js';

builder.queryType({});
builder.mutationType({});

export const schema = builder.toSchema({ sortSchema: false });
