// "Apply to N more instances of this file": the other completed quarantines of the selected
// files' sha256 that this token can see (the server undoes those the caller may act on, and
// lists them in its answer).
import {
  type PageActionRowFragment,
  PageCompletedQuarantinesDocument,
  type PageCompletedQuarantinesQuery,
} from '../../client/generated/graphql.js';
import { request } from './api.js';

const QUARANTINES = new Set(['QUARANTINE_FILE', 'STOP_AND_QUARANTINE_FILE']);
const PAGE_SIZE = 100;
const MAX_PAGES = 10;

/** The sha256s of a selection made only of file quarantines, else null. */
export function quarantinedFiles(rows: PageActionRowFragment[]): Set<string> | null {
  if (rows.length === 0) return null;
  const files = new Set<string>();
  for (const row of rows) {
    const sha256 = row.sha256 ?? row.evidence?.sha256;
    if (!QUARANTINES.has(row.type) || !sha256) return null;
    files.add(sha256);
  }
  return files;
}

export async function otherInstances(
  token: string,
  rows: PageActionRowFragment[],
  files: Set<string>,
) {
  const selected = new Set(rows.map((row) => row.id));
  let count = 0;
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const data: PageCompletedQuarantinesQuery = await request(
      PageCompletedQuarantinesDocument,
      { first: PAGE_SIZE, after },
      token,
    );
    for (const { node } of data.remediationActions.edges) {
      const sha256 = node.sha256 ?? node.evidence?.sha256;
      if (sha256 && files.has(sha256) && !selected.has(node.id)) count += 1;
    }
    if (!data.remediationActions.pageInfo.hasNextPage) break;
    after = data.remediationActions.pageInfo.endCursor;
  }
  return count;
}
