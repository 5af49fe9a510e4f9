import { describe, expect, it } from '@jest/globals';
import { formulaCells } from '../../test/spreadsheet.js';
import { csvRecord, neutraliseFormulas, restoreFormulas } from './csv.js';

const HOSTILE = [
  'Victim;=2+3;x',
  "=cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '+1+1',
  '-1+1',
  '|cmd',
  ' =1+1',
  '\u00A0=1+1',
  '\t=1+1',
  '\r=1+1',
  'a,=1+1',
  'a, -1+1',
  'a\t@x',
  'a\r\n=1+1',
  'a\n+1',
  'x;"=1+1"',
  'x;""=1+1',
  "'=1+1",
  "x;'=1+1",
  '\uFF1D1+1',
  'a;\uFF0B1+1',
  'a;\t =1',
];

describe('csvRecord', () => {
  it('leaves no cell a spreadsheet would run as a formula, however it splits the line', () => {
    for (const value of HOSTILE) {
      const record = csvRecord(['id', value, 'x']);
      expect({ value, formulas: formulaCells(record) }).toEqual({ value, formulas: [] });
    }
  });

  it('neutralises a formula after a ";" and quotes the value', () => {
    expect(csvRecord(['Victim;=2+3;x'])).toBe(`"Victim;'=2+3;x"\r\n`);
    expect(csvRecord(["=cmd|' /C calc'!A0"])).toBe(`"'=cmd|' /C calc'!A0"\r\n`);
    expect(csvRecord([' =1'])).toBe(`"' =1"\r\n`);
    expect(csvRecord(['\uFF1D1+1'])).toBe(`"'\uFF1D1+1"\r\n`);
  });

  it('quotes a value holding a comma, semicolon, quote, tab or line break', () => {
    expect(csvRecord(['a,b', 'a;b', 'say "hi"', 'a\tb', 'a\r\nb', 'plain'])).toBe(
      '"a,b","a;b","say ""hi""","a\tb","a\r\nb",plain\r\n',
    );
  });

  it('keeps numbers, dates, hyphenated names and ordinary text as they are', () => {
    expect(
      csvRecord([
        -5,
        0,
        '-12.5',
        '+3',
        '2026-01-31',
        '2026-01-31T08:00:00.000Z',
        'Smith-Jones',
        'Məmmədova-Quliyeva',
        'COE-EOD1-2026-000001',
        'a@b.example',
        null,
        undefined,
      ]),
    ).toBe(
      '-5,0,-12.5,+3,2026-01-31,2026-01-31T08:00:00.000Z,Smith-Jones,Məmmədova-Quliyeva,COE-EOD1-2026-000001,a@b.example,,\r\n',
    );
  });
});

describe('restoreFormulas', () => {
  it('gives back exactly what neutraliseFormulas was given', () => {
    for (const value of [...HOSTILE, "''=1", "a;''-1", 'Smith-Jones', "O'Brien", "'quoted'"]) {
      expect(restoreFormulas(neutraliseFormulas(value))).toBe(value);
    }
  });

  it('holds for random text made of separators, quotes, blanks and triggers', () => {
    const alphabet = ['=', '+', '-', '@', '|', ',', ';', '\t', '\r', '\n', '"', "'", ' ', 'a', '1'];
    // A fixed-seed generator: the same 5,000 values on every run.
    let seed = 14;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 5_000; n += 1) {
      const length = 1 + Math.floor(next() * 10);
      let value = '';
      for (let i = 0; i < length; i += 1) value += alphabet[Math.floor(next() * alphabet.length)];
      expect(restoreFormulas(neutraliseFormulas(value))).toBe(value);
      expect({ value, formulas: formulaCells(csvRecord(['id', value, 'x'])) }).toEqual({
        value,
        formulas: [],
      });
    }
  });
});
