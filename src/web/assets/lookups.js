import { all, get } from './api.js';

/**
 * Small reference lists a page needs whole (courses, organisations, instructors), fetched at
 * most once per page, and single records fetched once however many rows name them.
 */
const lists = new Map();
const records = new Map();

function cached(key, load) {
  if (!lists.has(key))
    lists.set(
      key,
      load().catch((err) => (lists.delete(key), Promise.reject(err))),
    );
  return lists.get(key);
}

export const courses = (query = {}) =>
  cached(`courses${JSON.stringify(query)}`, () => all('/api/v1/courses', query));
export const organisations = () => cached('organisations', () => all('/api/v1/organisations'));
export const instructors = () => cached('instructors', () => all('/api/v1/instructors'));
export const trainees = () => cached('trainees', () => all('/api/v1/trainees'));

export function record(path) {
  if (!records.has(path)) {
    records.set(
      path,
      get(path).catch((err) => (records.delete(path), Promise.reject(err))),
    );
  }
  return records.get(path);
}

/** id → item for a list. */
export async function byId(listPromise) {
  return new Map((await listPromise).map((item) => [item.id, item]));
}

/** Runs at most `n` loads at a time, so a page of rows does not flood a slow link. */
export async function limited(items, n, load) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await load(items[i]).catch(() => null);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return results;
}

/** Today in the browser, YYYY-MM-DD (used only to hide future days; the API decides). */
export function todayIso() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Every calendar day from `from` to `to`, inclusive. */
export function daysBetween(from, to) {
  const days = [];
  const d = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  while (d <= end && days.length < 400) {
    days.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return days;
}
