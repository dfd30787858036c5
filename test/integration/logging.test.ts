import { describe, it, expect } from 'vitest';
import request from 'supertest';
import { Router } from 'express';
import { createApp } from '../../server/app.js';
import { captureLogger, testConfig } from '../helpers/app.js';
import { freshPglite } from '../helpers/db.js';

const ID = '11010519491231002X';
const MOBILE = '13812345678';
const NAME = '张小明';

describe('request logs', () => {
  it('never carry 公民身份号码, mobile numbers or names in clear', async () => {
    const { logger, lines } = captureLogger('debug');
    // A failure that quotes what the client sent, as a database constraint error would.
    const echo = Router().post('/echo', (req) => {
      req.log.info({ body: req.body as unknown }, 'received');
      throw new Error(`duplicate key (id_number)=(${ID}) mobile ${MOBILE}`);
    });
    const db = await freshPglite();
    try {
      const app = createApp({ db, logger, config: testConfig(), routers: [echo] });
      await request(app)
        .post(`/api/echo?idNumber=${ID}&mobile=${MOBILE}&name=${encodeURIComponent(NAME)}`)
        .set('Cookie', `sid=secret-session-${ID}`)
        .send({ applicant: { name: NAME, idNumber: ID, mobile: MOBILE }, 'child.name': NAME })
        .expect(500);
    } finally {
      await db.close();
    }
    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(text).toContain('received');
    expect(text).toContain('1101**********002X');
    expect(text).toContain('138****5678');
    for (const clear of [ID, MOBILE, NAME, encodeURIComponent(NAME), 'secret-session']) expect(text).not.toContain(clear);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });
});
