import {
  artifact,
  clean,
  createTaggedPdf,
  tag,
  type StructOptions,
} from '../../certifications/pdf/pdf-document.js';

/**
 * The printable attendance sheet of a session, for field sites without a connection: one row per
 * trainee holding a seat, one column per session day, a box in each cell for the trainee's
 * signature and a row for the instructor's, on A4. Portrait while the days fit; landscape when
 * there are more; with more days than a landscape page holds, the days continue on further
 * pages (each page repeats the header and the names), as do rows beyond a page.
 *
 * Tagged (issue 18): the header is read once, on the first page (later pages repeat it as a
 * running header, an artifact); each page's grid is a Table whose header cells name the days and
 * whose row headers name the trainees, so a screen reader says whose box and which day a cell
 * is; the grid's lines and shading are artifacts.
 */

export type SheetLanguage = 'en' | 'az' | 'ru';

export interface AttendanceSheetDocument {
  language: SheetLanguage;
  centerName: string;
  course: { code: string; title: string };
  location: string;
  startsOn: string;
  endsOn: string;
  /** Every calendar day of the session, in order. */
  days: string[];
  /** The lead first. */
  instructors: { name: string; lead: boolean }[];
  /** In the order printed. */
  trainees: { name: string; organisation: string | null }[];
}

const WORDS: Record<SheetLanguage, Record<string, string>> = {
  en: {
    title: 'Attendance sheet',
    course: 'Course',
    venue: 'Venue',
    dates: 'Dates',
    instructors: 'Instructors',
    lead: 'lead',
    number: 'No.',
    trainee: 'Trainee',
    instructorRow: 'Instructor’s signature',
    instructorLine: 'Instructor (name and signature)',
    instructions:
      'Each trainee signs in the box of every day they attend; a box left empty is an absence. The instructor signs each day’s column at the end of the day.',
    days: 'Days {from}–{to} of {total}',
    page: 'Page {n} of {total}',
    empty: 'No trainee holds a seat in this session.',
  },
  az: {
    title: 'Davamiyyət vərəqi',
    course: 'Kurs',
    venue: 'Keçirildiyi yer',
    dates: 'Tarixlər',
    instructors: 'Təlimatçılar',
    lead: 'aparıcı',
    number: '№',
    trainee: 'Təlim iştirakçısı',
    instructorRow: 'Təlimatçının imzası',
    instructorLine: 'Təlimatçı (ad, soyad və imza)',
    instructions:
      'Hər təlim iştirakçısı iştirak etdiyi hər günün xanasında imza atır; boş qalan xana iştirak etmədiyini bildirir. Təlimatçı hər günün sütununu günün sonunda imzalayır.',
    days: 'Günlər {from}–{to} (cəmi {total})',
    page: 'Səhifə {n} / {total}',
    empty: 'Bu sessiyada yer tutan təlim iştirakçısı yoxdur.',
  },
  ru: {
    title: 'Лист посещаемости',
    course: 'Курс',
    venue: 'Место проведения',
    dates: 'Даты',
    instructors: 'Инструкторы',
    lead: 'ведущий',
    number: '№',
    trainee: 'Слушатель',
    instructorRow: 'Подпись инструктора',
    instructorLine: 'Инструктор (ФИО и подпись)',
    instructions:
      'Каждый слушатель расписывается в клетке каждого дня, когда он присутствует; пустая клетка означает отсутствие. Инструктор подписывает столбец дня в конце дня.',
    days: 'Дни {from}–{to} из {total}',
    page: 'Страница {n} из {total}',
    empty: 'В этой сессии нет слушателей, занимающих место.',
  },
};

/** The sheet's language for a session's language tag (`az-Latn` → az); English otherwise. */
export function sheetLanguage(tag: string): SheetLanguage {
  const primary = tag.toLowerCase().split('-')[0];
  return primary === 'az' || primary === 'ru' ? primary : 'en';
}

const A4 = { short: 595.28, long: 841.89 };
const MARGIN = 32;
const NUMBER_W = 24;
const NAME_W = 190;
/** Narrower than this, a signature does not fit in a day's box. */
const MIN_DAY_W = 44;
const HEADER_ROW_H = 30;
const ROW_H = 26;
/** Rows shrink to this (still room to sign) rather than leave a few names to a page of their own. */
const MIN_ROW_H = 22;
const INSTRUCTOR_ROW_H = 32;
const FOOTER_H = 44;

const INK = '#1c1c1c';
const MUTED = '#5b6470';
const RULE = '#8a929c';
const SHADE = '#eef1f4';

const daysThatFit = (pageWidth: number) =>
  Math.floor((pageWidth - 2 * MARGIN - NUMBER_W - NAME_W) / MIN_DAY_W);
/** Days a portrait page holds; more make the sheet landscape. */
export const PORTRAIT_DAYS = daysThatFit(A4.short);
/** Days a landscape page holds; more continue on further pages. */
export const LANDSCAPE_DAYS = daysThatFit(A4.long);

const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? ''));

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result.length > 0 ? result : [[]];
}

export async function renderAttendanceSheetPdf(doc: AttendanceSheetDocument): Promise<Buffer> {
  const words = WORDS[doc.language];
  const landscape = doc.days.length > PORTRAIT_DAYS;
  const pageW = landscape ? A4.long : A4.short;
  const pageH = landscape ? A4.short : A4.long;
  // Days beyond one landscape page are spread evenly (15 days: 8 and 7, not 12 and 3).
  const groups = Math.ceil(doc.days.length / LANDSCAPE_DAYS);
  const dayChunks = chunks(doc.days, Math.max(1, Math.ceil(doc.days.length / Math.max(1, groups))));
  const weekday = new Intl.DateTimeFormat(doc.language, { weekday: 'short', timeZone: 'UTC' });

  const { pdf, root, finish } = createTaggedPdf({
    layout: landscape ? 'landscape' : 'portrait',
    autoFirstPage: false,
    lang: doc.language,
    title: `${words.title}: ${clean(doc.course.code)} ${doc.startsOn} – ${doc.endsOn}`,
    author: doc.centerName,
    subject: doc.course.title,
    keywords: [doc.course.code, `${doc.startsOn} – ${doc.endsOn}`],
  });
  /**
   * Content read once: a structure element where `read`, else a running header or footer (what
   * every page repeats), which a screen reader skips.
   */
  const once = (
    read: boolean,
    at: 'Top' | 'Bottom',
    role: string,
    options: StructOptions,
    draw: () => void,
  ) => {
    if (read) root.add(tag(pdf, role, options, draw));
    else artifact(pdf, draw, { type: 'Pagination', attached: [at] });
  };

  /** One line of text that can neither wrap nor start a page: cut with an ellipsis instead. */
  const text = (
    value: string,
    x: number,
    y: number,
    width: number,
    style: {
      font?: string;
      size: number;
      /** Shrink down to this size before cutting: a name on a register should be read whole. */
      minSize?: number;
      color?: string;
      align?: 'left' | 'center' | 'right';
    },
  ) => {
    pdf
      .font(style.font ?? 'regular')
      .fontSize(style.size)
      .fillColor(style.color ?? INK);
    for (let size = style.size; style.minSize && size > style.minSize; size -= 0.5) {
      if (pdf.fontSize(size).widthOfString(value) <= width) break;
      pdf.fontSize(size - 0.5);
    }
    pdf.text(value, x, y, {
      width,
      height: pdf.currentLineHeight(true),
      align: style.align ?? 'left',
      ellipsis: true,
      lineBreak: false,
    });
  };

  const contentW = pageW - 2 * MARGIN;
  const instructorsText =
    doc.instructors.length > 0
      ? doc.instructors
          .map((i) => (i.lead ? `${clean(i.name)} (${words.lead})` : clean(i.name)))
          .join(', ')
      : '—';

  /**
   * The header every page repeats; returns where the table starts. Read on the first page only,
   * and a group's days where the group starts.
   */
  const header = (dayRange: string | null, firstPage: boolean, groupStart: boolean): number => {
    let y = MARGIN;
    const top = y;
    once(firstPage, 'Top', 'P', {}, () =>
      text(clean(doc.centerName), MARGIN, top, contentW, {
        font: 'semibold',
        size: 8.5,
        color: MUTED,
      }),
    );
    y += 13;
    const titleY = y;
    once(firstPage, 'Top', 'H1', {}, () =>
      text(words.title, MARGIN, titleY, contentW, { font: 'bold', size: 16 }),
    );
    y += 22;
    const courseY = y;
    once(firstPage, 'Top', 'P', {}, () =>
      text(`${clean(doc.course.code)} · ${clean(doc.course.title)}`, MARGIN, courseY, contentW, {
        font: 'semibold',
        size: 11,
        minSize: 8,
      }),
    );
    y += 16;
    const meta = `${words.venue}: ${clean(doc.location)}   ·   ${words.dates}: ${doc.startsOn} – ${doc.endsOn}`;
    const metaY = y;
    once(firstPage, 'Top', 'P', {}, () => text(meta, MARGIN, metaY, contentW, { size: 9 }));
    y += 13;
    const instructorsY = y;
    once(firstPage, 'Top', 'P', {}, () =>
      text(`${words.instructors}: ${instructorsText}`, MARGIN, instructorsY, contentW, {
        size: 9,
      }),
    );
    y += 13;
    pdf.font('italic').fontSize(7.5).fillColor(MUTED);
    const instructionsH = pdf.heightOfString(words.instructions, { width: contentW });
    const instructionsY = y;
    once(firstPage, 'Top', 'P', {}, () => {
      pdf.font('italic').fontSize(7.5).fillColor(MUTED);
      pdf.text(words.instructions, MARGIN, instructionsY, {
        width: contentW,
        height: instructionsH + 1,
      });
    });
    y += instructionsH + 4;
    if (dayRange) {
      const rangeY = y;
      once(groupStart, 'Top', 'H2', {}, () =>
        text(dayRange, MARGIN, rangeY, contentW, { font: 'semibold', size: 8.5 }),
      );
      y += 12;
    }
    return y + 4;
  };

  /** The instructor's line, read once after the last table; the page number is never read. */
  const footer = (page: number, pages: number) => {
    const y = pageH - MARGIN - FOOTER_H + 14;
    const lineW = Math.min(300, contentW / 2);
    artifact(pdf, () =>
      pdf
        .lineWidth(0.6)
        .strokeColor(INK)
        .moveTo(MARGIN, y + 18)
        .lineTo(MARGIN + lineW, y + 18)
        .stroke(),
    );
    once(page === pages, 'Bottom', 'P', {}, () =>
      text(words.instructorLine, MARGIN, y + 21, lineW, { size: 7.5, color: MUTED }),
    );
    artifact(
      pdf,
      () =>
        text(fill(words.page, { n: page, total: pages }), pageW - MARGIN - 160, y + 21, 160, {
          size: 7.5,
          color: MUTED,
          align: 'right',
        }),
      { type: 'Pagination', attached: ['Bottom'] },
    );
  };

  const table = (
    top: number,
    days: string[],
    rows: { number: number; name: string; organisation: string | null }[],
    rowH: number,
  ) => {
    const dayW = Math.min(90, (contentW - NUMBER_W - NAME_W) / Math.max(1, days.length));
    const nameW = contentW - NUMBER_W - dayW * days.length;
    const nameX = MARGIN + NUMBER_W;
    const dayX = (i: number) => nameX + nameW + i * dayW;
    const bodyRows = Math.max(1, rows.length);
    const bottom = top + HEADER_ROW_H + bodyRows * rowH + INSTRUCTOR_ROW_H;

    const instructorTop = bottom - INSTRUCTOR_ROW_H;
    artifact(pdf, () => {
      pdf.rect(MARGIN, top, contentW, HEADER_ROW_H).fill(SHADE);
      pdf.rect(MARGIN, instructorTop, contentW, INSTRUCTOR_ROW_H).fill(SHADE);
    });

    const grid = pdf.struct('Table');
    root.add(grid);
    /** A row of cells, each drawn by its function; a cell without one is a box left to sign. */
    const row = (cells: { role: 'TH' | 'TD'; scope?: 'Row' | 'Column'; draw?: () => void }[]) => {
      const tr = pdf.struct('TR');
      grid.add(tr);
      for (const cell of cells) {
        tr.add(
          tag(
            pdf,
            cell.role,
            cell.scope ? { scope: cell.scope } : {},
            ...(cell.draw ? [cell.draw] : []),
          ),
        );
      }
      tr.end();
    };
    const signatureBoxes = days.map(() => ({ role: 'TD' as const }));

    const labelY = top + HEADER_ROW_H / 2 - 5;
    row([
      {
        role: 'TH',
        scope: 'Column',
        draw: () =>
          text(words.number, MARGIN + 3, labelY, NUMBER_W - 6, { font: 'semibold', size: 8 }),
      },
      {
        role: 'TH',
        scope: 'Column',
        draw: () =>
          text(words.trainee, nameX + 5, labelY, nameW - 10, { font: 'semibold', size: 8 }),
      },
      ...days.map((day, i) => ({
        role: 'TH' as const,
        scope: 'Column' as const,
        draw: () => {
          const name = weekday.format(new Date(`${day}T00:00:00Z`));
          text(name, dayX(i) + 2, top + 5, dayW - 4, {
            font: 'semibold',
            size: 7.5,
            align: 'center',
          });
          text(day, dayX(i) + 2, top + 16, dayW - 4, { size: 7, align: 'center' });
        },
      })),
    ]);

    if (rows.length === 0) {
      row([
        { role: 'TD' },
        {
          role: 'TD',
          draw: () =>
            text(words.empty, nameX + 5, top + HEADER_ROW_H + 8, contentW - NUMBER_W - 10, {
              font: 'italic',
              size: 9,
              color: MUTED,
            }),
        },
      ]);
    }
    for (const [r, trainee] of rows.entries()) {
      const y = top + HEADER_ROW_H + r * rowH;
      // The name (and the organisation under it) centred in the row's height.
      const nameY = y + (rowH - (trainee.organisation ? 20 : 12)) / 2;
      row([
        {
          role: 'TD',
          draw: () =>
            text(String(trainee.number), MARGIN + 3, y + rowH / 2 - 5, NUMBER_W - 6, {
              size: 8.5,
              align: 'right',
            }),
        },
        {
          // The row's header: a screen reader names the trainee with each day's box.
          role: 'TH',
          scope: 'Row',
          draw: () => {
            text(trainee.name, nameX + 5, nameY, nameW - 10, {
              font: 'semibold',
              size: 9.5,
              minSize: 6.5,
            });
            if (trainee.organisation) {
              text(trainee.organisation, nameX + 5, nameY + 12, nameW - 10, {
                size: 6.5,
                minSize: 5.5,
                color: MUTED,
              });
            }
          },
        },
        ...signatureBoxes,
      ]);
    }
    row([
      { role: 'TD' },
      {
        role: 'TH',
        scope: 'Row',
        draw: () =>
          text(
            words.instructorRow,
            nameX + 5,
            instructorTop + INSTRUCTOR_ROW_H / 2 - 5,
            nameW - 10,
            { font: 'semibold', size: 8 },
          ),
      },
      ...signatureBoxes,
    ]);
    grid.end();

    // The grid: every cell a box to sign in.
    artifact(pdf, () => {
      pdf.lineWidth(0.5).strokeColor(RULE);
      const lines = [top, top + HEADER_ROW_H];
      for (let r = 1; r <= bodyRows; r++) lines.push(top + HEADER_ROW_H + r * rowH);
      lines.push(bottom);
      for (const y of lines)
        pdf
          .moveTo(MARGIN, y)
          .lineTo(MARGIN + contentW, y)
          .stroke();
      const columns = [MARGIN, nameX, nameX + nameW];
      for (let i = 1; i <= days.length; i++) columns.push(dayX(i));
      for (const x of columns) {
        // An empty sheet's message spans the day columns of its one row.
        if (rows.length === 0 && x > nameX) {
          pdf
            .moveTo(x, top)
            .lineTo(x, top + HEADER_ROW_H)
            .stroke();
          pdf.moveTo(x, instructorTop).lineTo(x, bottom).stroke();
        } else pdf.moveTo(x, top).lineTo(x, bottom).stroke();
      }
      pdf
        .lineWidth(1)
        .strokeColor(INK)
        .rect(MARGIN, top, contentW, bottom - top)
        .stroke();
    });
  };

  const numbered = doc.trainees.map((trainee, i) => ({
    number: i + 1,
    name: clean(trainee.name),
    organisation: trainee.organisation ? clean(trainee.organisation) : null,
  }));
  let dayOffset = 0;
  for (const days of dayChunks) {
    const dayRange =
      dayChunks.length > 1
        ? fill(words.days, {
            from: dayOffset + 1,
            to: dayOffset + days.length,
            total: doc.days.length,
          })
        : null;
    let next = 0;
    do {
      pdf.addPage({ size: 'A4', layout: landscape ? 'landscape' : 'portrait', margin: 0 });
      const top = header(dayRange, pdf.bufferedPageRange().count === 1, next === 0);
      const available = pageH - MARGIN - FOOTER_H - top - HEADER_ROW_H - INSTRUCTOR_ROW_H;
      const left = numbered.length - next;
      let perPage: number;
      let rowH = ROW_H;
      if (left <= Math.floor(available / MIN_ROW_H)) {
        // The rest fit on this page with rows a little lower.
        perPage = Math.max(1, left);
        rowH = Math.min(ROW_H, available / perPage);
      } else {
        // Pages of even length: 30 names on three pages of 10, not 13, 13 and 4.
        const pages = Math.ceil(left / Math.floor(available / ROW_H));
        perPage = Math.ceil(left / pages);
      }
      table(top, days, numbered.slice(next, next + perPage), rowH);
      next += perPage;
    } while (next < numbered.length);
    dayOffset += days.length;
  }
  // Page numbers once the number of pages is known.
  const range = pdf.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    pdf.switchToPage(range.start + i);
    footer(i + 1, range.count);
  }
  return finish();
}
