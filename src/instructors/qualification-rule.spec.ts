import { describe, expect, it } from '@jest/globals';
import { isQualificationCurrentOn, qualificationCurrentOnSql } from './qualification-rule.js';

describe('instructor currently qualified', () => {
  it('counts the last valid day as current, and the day after as not', () => {
    expect(isQualificationCurrentOn('2027-03-31', '2027-03-30')).toBe(true);
    expect(isQualificationCurrentOn('2027-03-31', '2027-03-31')).toBe(true);
    expect(isQualificationCurrentOn('2027-03-31', '2027-04-01')).toBe(false);
  });

  it('says the same in SQL, and takes only an alias', () => {
    expect(qualificationCurrentOnSql('q', '$3::date')).toBe('q.valid_until >= $3::date');
    expect(() => qualificationCurrentOnSql('q; DROP TABLE qualifications', '$1')).toThrow();
  });
});
