import { csvCell, parseCsv, toCsv } from './csv';

describe('csvCell', () => {
  it.each([
    ['=1+2', "'=1+2"],
    ['+cmd', "'+cmd"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
  ])('when a cell starts like a formula (%j), then it is prefixed with a quote', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('when a cell holds a comma, a quote or a line break, then it is quoted with quotes doubled', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('when a value is not text, then it is written plainly (a negative number is not text)', () => {
    expect([csvCell(null), csvCell(undefined), csvCell(true), csvCell(-3), csvCell(new Date(0))]).toEqual([
      '',
      '',
      'true',
      '-3',
      '1970-01-01T00:00:00.000Z',
    ]);
  });
});

describe('toCsv and parseCsv', () => {
  it('when a document is written and read back, then every field survives (formulas keep their guard)', () => {
    const rows = [
      { a: 'plain', b: 'with, comma' },
      { a: 'multi\r\nline', b: '"quoted"' },
      { a: '=evil()', b: '' },
    ];
    const csv = toCsv(['a', 'b'], rows);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(parseCsv(csv)).toEqual([['a', 'b'], ['plain', 'with, comma'], ['multi\r\nline', '"quoted"'], ["'=evil()", '']]);
  });

  it('when lines end in LF and blank lines appear, then blank lines are skipped', () => {
    expect(parseCsv('x,y\n\n1,2\n3,\n')).toEqual([['x', 'y'], ['1', '2'], ['3', '']]);
  });

  it('when a quoted field is never closed, then it throws', () => {
    expect(() => parseCsv('a,"b\n')).toThrow(/Unterminated/);
  });
});
