import { CsvSyntaxError, parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and numbers lines', () => {
    const text =
      '\ufeffcas,name,note\r\n7782-50-5,"氯, 液氯","said ""toxic"""\n64-17-5,乙醇,"two\nlines"\n1333-74-0,氢,\n';
    const { header, records } = parseCsv(text);
    expect(header).toEqual(['cas', 'name', 'note']);
    expect(records).toEqual([
      { line: 2, values: { cas: '7782-50-5', name: '氯, 液氯', note: 'said "toxic"' } },
      { line: 3, values: { cas: '64-17-5', name: '乙醇', note: 'two\nlines' } },
      { line: 5, values: { cas: '1333-74-0', name: '氢', note: '' } },
    ]);
  });

  it('names the line of a record with the wrong number of fields', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n')).toThrow(new CsvSyntaxError(3, 'has 1 fields, the header has 2'));
  });

  it('refuses an unclosed quote', () => {
    expect(() => parseCsv('a\n"open\n')).toThrow(/line 2: a quoted field is not closed/);
  });
});
