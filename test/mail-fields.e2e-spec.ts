import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import { makeCourse } from './fixtures.js';

/** The two fields mail needs (issue 16): sessions' joining instructions, organisations' contact. */
describe('joiningInstructions and contactEmail', () => {
  let t: TestApp;
  let admin: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
  });
  afterAll(() => t.close());

  const session = {
    startsOn: '2099-03-02',
    endsOn: '2099-03-06',
    location: 'Goygol field training area',
    language: 'az',
    capacity: 10,
  };

  it('a session takes joining instructions on creation, changes and clears them', async () => {
    const course = await makeCourse(t.db);
    const created = await t.http
      .post(`/api/v1/courses/${course.id}/sessions`)
      .set(admin.auth)
      .send({ ...session, joiningInstructions: '  Gate 2 at 08:30.\nBring boots; photo ID.  ' });
    expect(created.status).toBe(201);
    expect(created.body.joiningInstructions).toBe('Gate 2 at 08:30.\nBring boots; photo ID.');

    const changed = await t.http
      .patch(`/api/v1/sessions/${created.body.id}`)
      .set(admin.auth)
      .send({ joiningInstructions: 'Gate 3.' });
    expect(changed.status).toBe(200);
    expect(changed.body.joiningInstructions).toBe('Gate 3.');

    const cleared = await t.http
      .patch(`/api/v1/sessions/${created.body.id}`)
      .set(admin.auth)
      .send({ joiningInstructions: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.joiningInstructions).toBeNull();

    const read = await t.http.get(`/api/v1/sessions/${created.body.id}`).set(admin.auth);
    expect(read.body.joiningInstructions).toBeNull();
  });

  it('a session without joining instructions answers null; control characters are refused', async () => {
    const course = await makeCourse(t.db);
    const plain = await t.http
      .post(`/api/v1/courses/${course.id}/sessions`)
      .set(admin.auth)
      .send(session);
    expect(plain.status).toBe(201);
    expect(plain.body.joiningInstructions).toBeNull();
    const bad = await t.http
      .post(`/api/v1/courses/${course.id}/sessions`)
      .set(admin.auth)
      .send({ ...session, joiningInstructions: 'Bell\u0007' });
    expectError(bad, 400, 'VALIDATION_FAILED');
    const long = await t.http
      .post(`/api/v1/courses/${course.id}/sessions`)
      .set(admin.auth)
      .send({ ...session, joiningInstructions: 'x'.repeat(2001) });
    expectError(long, 400, 'VALIDATION_FAILED');
  });

  it('an organisation takes a contact e-mail, lower-cased, changes and clears it', async () => {
    const created = await t.http.post('/api/v1/organisations').set(admin.auth).send({
      name: 'Mine Clear Ops',
      country: 'AZ',
      type: 'ngo',
      contactEmail: ' Training@MCO.example ',
    });
    expect(created.status).toBe(201);
    expect(created.body.contactEmail).toBe('training@mco.example');

    const changed = await t.http
      .patch(`/api/v1/organisations/${created.body.id}`)
      .set(admin.auth)
      .send({ contactEmail: 'focal@mco.example' });
    expect(changed.status).toBe(200);
    expect(changed.body.contactEmail).toBe('focal@mco.example');

    const cleared = await t.http
      .patch(`/api/v1/organisations/${created.body.id}`)
      .set(admin.auth)
      .send({ contactEmail: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.contactEmail).toBeNull();

    const bad = await t.http
      .patch(`/api/v1/organisations/${created.body.id}`)
      .set(admin.auth)
      .send({ contactEmail: 'not an address' });
    expectError(bad, 400, 'VALIDATION_FAILED');

    const none = await t.http
      .post('/api/v1/organisations')
      .set(admin.auth)
      .send({ name: 'No Contact Ltd', country: 'GB', type: 'commercial' });
    expect(none.body.contactEmail).toBeNull();
  });

  it('OpenAPI documents both fields', async () => {
    const doc = (await t.http.get('/docs-json')).body as {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    const { schemas } = doc.components;
    for (const name of ['SessionDto', 'CreateSessionDto', 'UpdateSessionDto']) {
      expect(schemas[name].properties).toHaveProperty('joiningInstructions');
    }
    for (const name of ['OrganisationDto', 'CreateOrganisationDto', 'UpdateOrganisationDto']) {
      expect(schemas[name].properties).toHaveProperty('contactEmail');
    }
  });
});
