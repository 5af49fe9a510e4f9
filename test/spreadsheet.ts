/**
 * How spreadsheets cut a CSV file into cells, for checking that nothing in an export or report
 * runs as a formula whatever the reader's locale: comma, semicolon (Azerbaijani and Russian
 * Windows) or tab as the list separator, honouring quotes or not.
 */

const TRIGGER = /^[=+\-@|\uFF1D\uFF0B\uFF0D\uFF20\uFF5C]/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Cells a spreadsheet honouring quotes reads from `text` with `delimiter` (Excel's rules). */
function cellsWithQuotes(text: string, delimiter: string): string[] {
  const cells: string[] = [];
  let i = 0;
  while (i <= text.length) {
    let cell = '';
    if (text[i] === '"') {
      for (i += 1; i < text.length; i += 1) {
        if (text[i] === '"' && text[i + 1] === '"') {
          cell += '"';
          i += 1;
        } else if (text[i] === '"') {
          i += 1;
          break;
        } else cell += text[i];
      }
    }
    // After a closing quote (or without one) the rest up to the delimiter is taken literally.
    while (i < text.length && text[i] !== delimiter && text[i] !== '\r' && text[i] !== '\n') {
      cell += text[i];
      i += 1;
    }
    cells.push(cell);
    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
  }
  return cells;
}

/** The cells of `csv` that some spreadsheet would run as a formula (none, when it is safe). */
export function formulaCells(csv: string): string[] {
  const readings = [
    ...[',', ';', '\t'].flatMap((delimiter) => cellsWithQuotes(csv, delimiter)),
    ...csv.split(/[,;\t\r\n]/),
  ];
  return readings.filter((cell) => {
    // Leading blanks and quotes are read past; a leading apostrophe makes the cell text.
    const start = cell.replace(/^[\s"]+/, '');
    return TRIGGER.test(start) && !PLAIN_NUMBER.test(start.trim());
  });
}
