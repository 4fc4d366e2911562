import { HttpError } from '@sentinel/http';
import { multipartFile } from './multipart';

const body = (boundary: string, parts: Array<[string, string]>) =>
  Buffer.from(
    `${parts.map(([headers, content]) => `--${boundary}\r\n${headers}\r\n\r\n${content}\r\n`).join('')}--${boundary}--\r\n`,
  );

describe('multipartFile', () => {
  it('when the body has several parts, then the named file part is returned byte for byte', () => {
    const raw = body('XyZ', [
      ['Content-Disposition: form-data; name="note"', 'hello'],
      ['Content-Disposition: form-data; filename="name.csv"; name="file"\r\nContent-Type: text/csv', 'a,b\r\n--not-the-end\r\n1,2'],
    ]);
    expect(multipartFile(raw, 'multipart/form-data; boundary=XyZ', 'file').toString()).toBe('a,b\r\n--not-the-end\r\n1,2');
    expect(multipartFile(raw, 'multipart/form-data; boundary="XyZ"', 'note').toString()).toBe('hello');
  });

  it('when the field is missing or the body is cut off, then it is a 400', () => {
    const raw = body('b1', [['Content-Disposition: form-data; name="other"', 'x']]);
    expect(() => multipartFile(raw, 'multipart/form-data; boundary=b1', 'file')).toThrow(/no "file" field/);
    expect(() => multipartFile(raw.subarray(0, 30), 'multipart/form-data; boundary=b1', 'other')).toThrow(HttpError);
  });

  it('when the body is not multipart, then it is a 415', () => {
    let error: unknown;
    try {
      multipartFile(undefined, 'application/json', 'file');
    } catch (err) {
      error = err;
    }
    expect((error as HttpError).status).toBe(415);
  });
});
