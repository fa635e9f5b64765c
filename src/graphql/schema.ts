import { builder } from './builder.js';
import './types/scalars.js';
import './types/enums.js';
import './types/device-group.js';
import './types/device.js';
import './types/incident.js';
import './types/alert.js';
import './types/evidence.js';
import './types/investigation.js';
import './types/remediation-action.js';
import './types/action-event.js';
import './types/device-group-rules.js';
import './types/create-device-group.js';
import './types/update-device-group.js';
import './types/register-device.js';

builder.queryType({});
builder.mutationType({});

export const schema = builder.toSchema({ sortSchema: false });
