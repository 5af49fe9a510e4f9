import { describe, expect, it } from '@jest/globals';
import { csvRecord } from '../reports/csv.js';
import { detectDelimiter, readCsv } from './csv-reader.js';

const read = (text: string | Buffer) => readCsv(Buffer.isBuffer(text) ? text : Buffer.from(text));

describe('readCsv', () => {
  it('numbers records by the line they start on, across quoted CRLF line breaks', async () => {
    const table = await read('a;b\r\n"x\r\ny\r\nz";1\r\n\r\n;\r\n  ;  \r\nlast;2');
    expect(table.header).toEqual({ line: 1, cells: ['a', 'b'] });
    expect(table.records).toEqual([
      { line: 2, cells: ['x\r\ny\r\nz', '1'] },
      { line: 8, cells: ['last', '2'] },
    ]);
    expect(table.problems).toEqual([]);
  });

  it('reads UTF-16 with a byte order mark (Excel "Unicode text")', async () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('name\tcity\nƏli\tŞəki\n', 'utf16le'),
    ]);
    const table = await read(utf16);
    expect(table.records).toEqual([{ line: 2, cells: ['Əli', 'Şəki'] }]);
  });

  it('keeps a stray quote inside a cell, and reports a quote never closed', async () => {
    const table = await read('size,name\n5" shell,ok\n1,"open\n2,x\n');
    expect(table.records).toEqual([{ line: 2, cells: ['5" shell', 'ok'] }]);
    expect(table.problems).toEqual([
      { row: 3, column: null, message: 'A quoted cell is never closed: a quote (") is missing' },
    ]);
  });

  it('reads back what an export neutralised as a formula, and nothing else', async () => {
    const values = ['Victim;=2+3;x', "=cmd|' /C calc'!A0", "'=1", 'Smith-Jones', "O'Brien", '-5'];
    const table = await read(`name\r\n${values.map((v) => csvRecord([v])).join('')}`);
    expect(table.records.map((r) => r.cells[0])).toEqual(values);
  });

  it('takes the delimiter the header line uses most, outside quotes', () => {
    expect(detectDelimiter(Buffer.from('"a,b";c;d\n1,2'))).toBe(';');
    expect(detectDelimiter(Buffer.from('a\tb\tc'))).toBe('\t');
    expect(detectDelimiter(Buffer.from('single'))).toBe(',');
  });
});
