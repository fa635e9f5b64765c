import { readFileSync } from 'node:fs';
import { CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

const contract = buildSchema(readFileSync('/work/shared/contract.graphql', 'utf8'));
const served = buildSchema(readFileSync('/work/main/schema/schema.graphql', 'utf8'));
for (const c of await diff(contract, served))
  if (c.criticality.level === CriticalityLevel.Breaking) console.log(c.path, '|', c.message);
