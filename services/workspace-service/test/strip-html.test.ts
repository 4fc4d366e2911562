import { stripHtml } from '@sentinel/contracts';

describe('stripHtml', () => {
  it.each([
    ['plain text', 'Design team', 'Design team'],
    ['tags', '<b>Bold</b> <i>move</i>', 'Bold move'],
    ['script with its content', 'a<script>alert(1)</script>b', 'ab'],
    ['style with its content', '<style>p{}</style>x', 'x'],
    ['an unclosed tag', 'name<img src=x onerror=alert(1)', 'name'],
    ['a comment', 'a<!-- hidden -->b', 'ab'],
    ['stray angle brackets', '1 < 2 > 0', '1  2  0'],
    ['surrounding space', '  <p> spaced </p> ', 'spaced'],
    ['an unclosed script', 'x<script>alert(1)', 'x'],
  ])('when given %s, then no HTML is left', (_label, input, expected) => {
    expect(stripHtml(input)).toBe(expected);
  });
});
