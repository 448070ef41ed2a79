// Package scanner turns KQL source text into tokens (package token) with
// byte spans.
//
// It knows the lexical rules of Kusto: `//` comments, identifiers and
// bracket-quoted names (['x'], ["x"]), the string literal forms (escaped,
// verbatim @"...", triple-backtick multi-line, obfuscated h"..."), long, real
// and hex literals, timespan literals such as 5d or 1.5h, and every operator
// and punctuation token.
//
// Three Kusto rules are resolved here rather than in the parser:
//
//   - A type keyword immediately followed by "(" starts a typed literal whose
//     body is not tokenized: for datetime(2020-01-01 10:00), date, time,
//     timespan, guid, long, int, real, double, decimal, bool and boolean the
//     scanner returns IDENT, LPAREN, one STRING token holding the raw body
//     (Verbatim set, Value trimmed; omitted when the body is blank) and RPAREN.
//     The body ends at the first ")" or line break.
//   - `in~` is returned as one IDENT whose Value is "in~" (there is no tilde
//     token); `!in~` is BANG followed by that IDENT.
//   - `$left` is DOLLAR followed by IDENT; `!has` is BANG followed by IDENT.
//     The parser decides from Token.SpaceBefore whether such pairs are glued.
//
// Operator keywords written with a dash (mv-expand, project-away, ...) are
// left as IDENT MINUS IDENT; the parser recognises them where an operator is
// expected, so that a-b stays arithmetic.
//
// The scanner does not know keywords: every word is an IDENT and the parser
// decides from context whether it is a keyword. Lexical errors are reported
// through an ErrorHandler and produce ILLEGAL tokens; the scanner never
// panics and always ends with an EOF token.
package scanner
