import type { Prisma } from '../../db/client.js';
import { builder } from '../builder.js';
import { databaseIds } from '../global-id.js';
import { filterListSchema, filterTextSchema } from '../validation.js';
import { OsPlatformEnum } from './enums.js';

// The device filter of searchDevices and DeviceGroup.devices (SPEC §7.1). Scope is the
// resolver's; this only narrows.

export const DeviceFilter = builder.inputType('DeviceFilter', {
  fields: (t) => ({
    deviceGroupIds: t.globalIDList({ validate: filterListSchema }),
    hostnameContains: t.string({
      description: 'A part of the hostname, any case.',
      validate: filterTextSchema,
    }),
    isolated: t.boolean(),
    osPlatforms: t.field({ type: [OsPlatformEnum], validate: filterListSchema }),
  }),
});

type DeviceFilterValue = typeof DeviceFilter.$inferInput;

/** LIKE's own characters in the searched text stand for themselves. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Prisma where of a filter. `hostnameContains` is an ILIKE '%…%' the trigram index
 * (devices_hostname_trgm_idx) serves; an id of another type is BAD_USER_INPUT naming
 * `filter.deviceGroupIds`. `field` is where the filter sits in the request.
 */
export function deviceFilterWhere(
  filter: DeviceFilterValue | null | undefined,
  field = 'filter',
): Prisma.DeviceWhereInput {
  if (!filter) return {};
  const { deviceGroupIds, hostnameContains, isolated, osPlatforms } = filter;
  return {
    ...(deviceGroupIds
      ? {
          deviceGroupId: {
            in: databaseIds(`${field}.deviceGroupIds`, 'DeviceGroup', deviceGroupIds),
          },
        }
      : {}),
    ...(hostnameContains
      ? { hostname: { contains: escapeLike(hostnameContains), mode: 'insensitive' } }
      : {}),
    ...(isolated != null ? { isolated } : {}),
    ...(osPlatforms ? { osPlatform: { in: osPlatforms } } : {}),
  };
}
