import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { footprint, sha, tenantOf } from '../support/workflow.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const INCIDENT_FIELDS = `id status classification determination assignedTo tags updatedAt
  comments(first: 10) { totalCount edges { node { id author text createdAt } } }`;
const UPDATE = `mutation($input: UpdateIncidentInput!) { updateIncident(input: $input) { incident { ${INCIDENT_FIELDS} } } }`;
const COMMENT = `mutation($input: AddIncidentCommentInput!) { addIncidentComment(input: $input) {
  comment { id author text createdAt } incident { ${INCIDENT_FIELDS} } } }`;
const INCIDENT = `query($id: ID!) { node(id: $id) { ... on Incident { ${INCIDENT_FIELDS} } } }`;
const INCIDENTS = `query($filter: IncidentFilter) { incidents(first: 50, filter: $filter) { totalCount edges { node { id } } } }`;
const AUDIT = `query($filter: AuditEventFilter) { auditEvents(first: 50, filter: $filter) {
  edges { node { operation subject targetType targetIds before after outcome } } } }`;

const FILE = (path: string) => ({ kind: 'FILE', path, sha256: sha() });

/** A tenant with a device in group "Servers" and one in "Laptops", each with an incident. */
async function setUp() {
  const t = tenantOf(server);
  const servers = await t.group('Servers', 'FULL');
  const laptops = await t.group('Laptops', 'FULL');
  const host = await t.device('srv-1', servers.id);
  const laptop = await t.device('lap-1', laptops.id);
  const onServer = await t.reportAlert(host.id, [FILE('C:\\x\\a.exe')]);
  const onLaptop = await t.reportAlert(laptop.id, [FILE('C:\\x\\b.exe')]);
  return { t, host, laptop, incident: onServer.incident.id, laptopIncident: onLaptop.incident.id };
}

describe('updateIncident', () => {
  it('changes status, classification, determination, assignee and tags; updatedAt moves; audited', async () => {
    const { t, incident } = await setUp();
    const before = (await server.gqlData(INCIDENT, { id: incident }, await t.tokens.viewer())).node;
    expect(before).toMatchObject({ status: 'ACTIVE', classification: 'UNKNOWN', tags: [] });
    const input = {
      id: incident,
      status: 'IN_PROGRESS',
      classification: 'TRUE_POSITIVE',
      determination: 'Malware',
      assignedTo: 'alice@example.com',
      tags: ['ransomware', ' apt ', 'ransomware'],
    };
    const data = await server.gqlData(UPDATE, { input }, await t.tokens.responder('bob'));
    expect(data.updateIncident.incident).toMatchObject({
      status: 'IN_PROGRESS',
      classification: 'TRUE_POSITIVE',
      determination: 'Malware',
      assignedTo: 'alice@example.com',
      tags: ['ransomware', 'apt'],
    });
    expect(Date.parse(data.updateIncident.incident.updatedAt)).toBeGreaterThan(
      Date.parse(before.updatedAt),
    );
    // null clears a text field; absent fields stay.
    const cleared = await server.gqlData(
      UPDATE,
      { input: { id: incident, assignedTo: null } },
      await t.tokens.responder('bob'),
    );
    expect(cleared.updateIncident.incident).toMatchObject({
      assignedTo: null,
      status: 'IN_PROGRESS',
    });
    const audit = await server.gqlData(
      AUDIT,
      { filter: { operations: ['updateIncident'] } },
      await t.tokens.admin(),
    );
    const events = audit.auditEvents.edges.map((e: any) => e.node);
    expect(events).toHaveLength(2);
    const first = events.find((e: any) => JSON.parse(e.after).assignedTo === 'alice@example.com');
    expect(first).toMatchObject({ subject: 'bob', targetType: 'Incident', outcome: 'UPDATED' });
    expect(JSON.parse(first.before)).toMatchObject({ status: 'ACTIVE', classification: 'UNKNOWN' });
  });

  it('filters incidents by classification, assignee and tags', async () => {
    const { t, incident, laptopIncident } = await setUp();
    const responder = await t.tokens.responder();
    await server.gqlData(
      UPDATE,
      {
        input: {
          id: incident,
          classification: 'FALSE_POSITIVE',
          assignedTo: 'carol',
          tags: ['a', 'b'],
        },
      },
      responder,
    );
    await server.gqlData(UPDATE, { input: { id: laptopIncident, tags: ['c'] } }, responder);
    const ids = async (filter: Record<string, unknown>) =>
      (await server.gqlData(INCIDENTS, { filter }, await t.tokens.viewer())).incidents.edges.map(
        (e: any) => e.node.id,
      );
    expect(await ids({ classifications: ['FALSE_POSITIVE'] })).toEqual([incident]);
    expect(await ids({ classifications: ['UNKNOWN'] })).toEqual([laptopIncident]);
    expect(await ids({ assignedTo: 'carol' })).toEqual([incident]);
    expect(await ids({ assignedTo: 'nobody' })).toEqual([]);
    expect(await ids({ tags: ['b', 'c'] })).toHaveLength(2);
    expect(await ids({ tags: ['c'] })).toEqual([laptopIncident]);
  });

  it('out of scope reads as not found; viewers and ingest may not; bad input names the field and changes nothing', async () => {
    const { t, incident, laptopIncident } = await setUp();
    const scoped = await t.tokens.responder('scoped', ['Servers']);
    const outOfScope = await server.gql(
      UPDATE,
      { input: { id: laptopIncident, status: 'RESOLVED' } },
      scoped,
    );
    const nonexistent = await server.gql(
      UPDATE,
      { input: { id: incident.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), status: 'RESOLVED' } },
      scoped,
    );
    expect(outOfScope.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input.id',
    });
    expect(nonexistent.errors?.[0]?.extensions?.code).toMatch(/NOT_FOUND|BAD_USER_INPUT/);
    const before = await footprint(server, t.tid);
    for (const token of [await t.tokens.viewer(), await t.tokens.ingest()]) {
      const refused = await server.gql(
        UPDATE,
        { input: { id: incident, status: 'RESOLVED' } },
        token,
      );
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const responder = await t.tokens.responder();
    const cases: [Record<string, unknown>, string][] = [
      [{ id: incident }, ''],
      [{ id: incident, tags: ['ok', '  '] }, 'input.tags.1'],
      [{ id: incident, determination: 'x'.repeat(2001) }, 'input.determination'],
      [{ id: incident, status: 'NOT_A_STATUS' }, ''],
    ];
    for (const [input, field] of cases) {
      const bad = await server.gql(UPDATE, { input }, responder);
      expect(bad.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
      if (field) expect(bad.errors?.[0]?.extensions?.field).toBe(field);
    }
    expect(await footprint(server, t.tid)).toEqual(before);
    const still = (await server.gqlData(INCIDENT, { id: incident }, responder)).node;
    expect(still).toMatchObject({ status: 'ACTIVE', classification: 'UNKNOWN', tags: [] });
  });

  it('replays a retry with the same key and refuses the key with other input', async () => {
    const { t, incident } = await setUp();
    const responder = await t.tokens.responder();
    const input = { id: incident, tags: ['x'], idempotencyKey: 'triage-1' };
    const first = await server.gqlData(UPDATE, { input }, responder);
    // Someone else changes the tags; the replay does nothing again.
    await server.gqlData(
      UPDATE,
      { input: { id: incident, tags: ['y'] } },
      await t.tokens.responder('other'),
    );
    const replay = await server.gqlData(UPDATE, { input }, responder);
    expect(replay.updateIncident.incident.id).toBe(first.updateIncident.incident.id);
    expect(replay.updateIncident.incident.tags).toEqual(['y']);
    const reused = await server.gql(UPDATE, { input: { ...input, tags: ['z'] } }, responder);
    expect(reused.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const audit = await server.gqlData(
      AUDIT,
      { filter: { operations: ['updateIncident'] } },
      await t.tokens.admin(),
    );
    expect(audit.auditEvents.edges).toHaveLength(2);
  });

  it('a resolved incident keeps its actions and takes no new alert: the next alert opens a new incident', async () => {
    const t = tenantOf(server);
    const semi = await t.group('Semi', 'SEMI_REQUIRE_APPROVAL_ANY');
    const host = await t.device('ws-1', semi.id);
    const first = await t.reportAlert(host.id, [{ ...FILE('C:\\x\\a.exe'), verdict: 'MALICIOUS' }]);
    const resolved = await server.gqlData(
      UPDATE,
      { input: { id: first.incident.id, status: 'RESOLVED' } },
      await t.tokens.responder(),
    );
    expect(resolved.updateIncident.incident.status).toBe('RESOLVED');
    const pending = await server.prisma.remediationAction.findMany({ where: { tenantId: t.tid } });
    expect(pending.map((a) => a.status)).toEqual(['PENDING_APPROVAL']);
    const next = await t.reportAlert(host.id, [FILE('C:\\x\\c.exe')]);
    expect(next.incident.id).not.toBe(first.incident.id);
    const again = await t.reportAlert(host.id, [FILE('C:\\x\\d.exe')]);
    expect(again.incident.id).toBe(next.incident.id);
  });
});

describe('addIncidentComment', () => {
  it('appends a comment with its author and time; updatedAt moves; audited; replay and reuse', async () => {
    const { t, incident } = await setUp();
    const responder = await t.tokens.responder('dana');
    const input = { incidentId: incident, text: '  Looked at it.  ', idempotencyKey: 'c-1' };
    const data = await server.gqlData(COMMENT, { input }, responder);
    expect(data.addIncidentComment.comment).toMatchObject({
      author: 'dana',
      text: 'Looked at it.',
    });
    expect(data.addIncidentComment.incident.comments.totalCount).toBe(1);
    expect(data.addIncidentComment.incident.updatedAt).toBe(
      data.addIncidentComment.comment.createdAt,
    );
    const replay = await server.gqlData(COMMENT, { input }, responder);
    expect(replay.addIncidentComment.comment.id).toBe(data.addIncidentComment.comment.id);
    const reused = await server.gql(COMMENT, { input: { ...input, text: 'other' } }, responder);
    expect(reused.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    await server.gqlData(COMMENT, { input: { incidentId: incident, text: 'Second.' } }, responder);
    const read = (await server.gqlData(INCIDENT, { id: incident }, await t.tokens.viewer())).node;
    expect(read.comments.edges.map((e: any) => e.node.text)).toEqual(['Looked at it.', 'Second.']);
    const audit = await server.gqlData(
      AUDIT,
      { filter: { operations: ['addIncidentComment'] } },
      await t.tokens.admin(),
    );
    expect(audit.auditEvents.edges).toHaveLength(2);
    expect(audit.auditEvents.edges[0].node).toMatchObject({ subject: 'dana', outcome: 'CREATED' });
  });

  it('scope, roles and bad input: not found, forbidden, the field named, nothing written', async () => {
    const { t, incident, laptopIncident } = await setUp();
    const before = await footprint(server, t.tid);
    const scoped = await t.tokens.responder('scoped', ['Servers']);
    const out = await server.gql(
      COMMENT,
      { input: { incidentId: laptopIncident, text: 'hi' } },
      scoped,
    );
    expect(out.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input.incidentId',
    });
    const viewer = await server.gql(
      COMMENT,
      { input: { incidentId: incident, text: 'hi' } },
      await t.tokens.viewer(),
    );
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const blank = await server.gql(
      COMMENT,
      { input: { incidentId: incident, text: '   ' } },
      scoped,
    );
    expect(blank.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.text',
    });
    const wrongId = await server.gql(COMMENT, { input: { incidentId: t.tid, text: 'hi' } }, scoped);
    expect(wrongId.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.incidentId',
    });
    expect(await footprint(server, t.tid)).toEqual(before);
    expect(await server.prisma.incidentComment.count({ where: { tenantId: t.tid } })).toBe(0);
  });
});
