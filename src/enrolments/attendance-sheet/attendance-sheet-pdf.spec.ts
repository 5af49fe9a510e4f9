import { describe, expect, it } from '@jest/globals';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { daysBetween } from '../../common/calendar.js';
import {
  LANDSCAPE_DAYS,
  PORTRAIT_DAYS,
  renderAttendanceSheetPdf,
  sheetLanguage,
  type AttendanceSheetDocument,
} from './attendance-sheet-pdf.js';

const sheet = (days: number, trainees: number): AttendanceSheetDocument => ({
  language: 'az',
  centerName: 'Mine Action Center of Excellence',
  course: { code: 'EOD-2', title: 'Partlayıcı sursatların zərərsizləşdirilməsi' },
  location: 'Göygöl tədris sahəsi',
  startsOn: '2027-03-01',
  endsOn: daysBetween('2027-03-01', '2027-12-31')[days - 1],
  days: daysBetween('2027-03-01', '2027-12-31').slice(0, days),
  instructors: [{ name: 'Rəşad Əliyev', lead: true }],
  trainees: Array.from({ length: trainees }, (_, i) => ({
    name: `Məmmədova Aynur ${i + 1}`,
    organisation: null,
  })),
});

/** Each page's text and whether it is landscape. */
async function pages(pdf: Buffer): Promise<{ text: string; landscape: boolean }[]> {
  const doc = await getDocument({
    data: new Uint8Array(pdf),
    isEvalSupported: false,
    disableFontFace: true,
    verbosity: 0,
  }).promise;
  const result = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const [, , width, height] = page.view;
    // Not normalised: a ligature in the file must show here as it would to a search.
    const content = await page.getTextContent({ disableNormalization: true });
    const text = content.items.map((item) => ('str' in item ? item.str : '')).join('\n');
    result.push({ text, landscape: width > height });
  }
  return result;
}

describe('renderAttendanceSheetPdf', () => {
  it('stays portrait while the days fit, and turns landscape beyond', async () => {
    expect(PORTRAIT_DAYS).toBe(7);
    expect(LANDSCAPE_DAYS).toBe(12);
    const portrait = await pages(await renderAttendanceSheetPdf(sheet(PORTRAIT_DAYS, 3)));
    expect(portrait.map((p) => p.landscape)).toEqual([false]);
    const landscape = await pages(await renderAttendanceSheetPdf(sheet(PORTRAIT_DAYS + 1, 3)));
    expect(landscape.map((p) => p.landscape)).toEqual([true]);
  });

  it('spreads more days than a page holds evenly, each group on its own pages with every trainee', async () => {
    const result = await pages(await renderAttendanceSheetPdf(sheet(25, 30)));
    // 25 days: three groups (9, 9 and 7 days); 30 trainees take three landscape pages each.
    expect(result).toHaveLength(9);
    expect(result.every((p) => p.landscape)).toBe(true);
    expect(result[0].text).toContain('Günlər 1–9 (cəmi 25)');
    expect(result[3].text).toContain('Günlər 10–18 (cəmi 25)');
    expect(result[8].text).toContain('Günlər 19–25 (cəmi 25)');
    expect(result[8].text).toContain('Səhifə 9 / 9');
    for (let group = 0; group < 3; group++) {
      const text = result
        .slice(group * 3, group * 3 + 3)
        .map((p) => p.text)
        .join('\n');
      for (let i = 1; i <= 30; i++) expect(text).toContain(`Məmmədova Aynur ${i}\n`);
    }
    const all = result.map((p) => p.text).join('\n');
    for (const day of sheet(25, 0).days) expect(all).toContain(day);
  });

  it('reads the session language from its tag, English otherwise', () => {
    expect(sheetLanguage('az-Latn')).toBe('az');
    expect(sheetLanguage('RU')).toBe('ru');
    expect(sheetLanguage('en-GB')).toBe('en');
    expect(sheetLanguage('fr')).toBe('en');
  });
});
