import { builder } from '../builder.js';

/** Membership rules of a device group (an addition to the contract): all optional, all must match. */
export const DeviceGroupRulesInput = builder.inputType('DeviceGroupRulesInput', {
  fields: (t) => ({
    hostnamePrefix: t.string({
      description: 'Devices whose hostname starts with this (any case).',
    }),
    domain: t.string({ description: 'Devices joined to this domain.' }),
    tag: t.string({ description: 'Devices carrying this tag.' }),
  }),
});

export const DeviceGroupRulesRef = builder.objectRef<{
  ruleHostnamePrefix: string | null;
  ruleDomain: string | null;
  ruleTag: string | null;
}>('DeviceGroupRules');

builder.objectType(DeviceGroupRulesRef, {
  description:
    'The membership rules of a device group; a device matches when it meets every rule set.',
  fields: (t) => ({
    hostnamePrefix: t.exposeString('ruleHostnamePrefix', { nullable: true }),
    domain: t.exposeString('ruleDomain', { nullable: true }),
    tag: t.exposeString('ruleTag', { nullable: true }),
  }),
});
