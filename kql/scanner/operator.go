package scanner

import "github.com/rmmhunt/rmmhunt/kql/token"

// scanOperator scans punctuation and operator tokens.
func (s *Scanner) scanOperator() token.Token {
	c := s.src[s.off]
	c2 := s.peek(1)
	one := func(k token.Kind) token.Token { s.off++; return token.Token{Kind: k} }
	two := func(k token.Kind) token.Token { s.off += 2; return token.Token{Kind: k} }
	switch c {
	case '|':
		return one(token.PIPE)
	case ',':
		return one(token.COMMA)
	case ';':
		return one(token.SEMI)
	case '(':
		return one(token.LPAREN)
	case ')':
		return one(token.RPAREN)
	case '[':
		return one(token.LBRACK)
	case ']':
		return one(token.RBRACK)
	case '{':
		return one(token.LBRACE)
	case '}':
		return one(token.RBRACE)
	case '.':
		if c2 == '.' {
			return two(token.DOTDOT)
		}
		return one(token.DOT)
	case ':':
		return one(token.COLON)
	case '=':
		switch c2 {
		case '=':
			return two(token.EQ)
		case '~':
			return two(token.TILDEEQ)
		case '>':
			return two(token.ARROW)
		}
		return one(token.ASSIGN)
	case '!':
		switch c2 {
		case '=':
			return two(token.NE)
		case '~':
			return two(token.BANGTILDE)
		}
		return one(token.BANG)
	case '<':
		switch c2 {
		case '=':
			return two(token.LE)
		case '>':
			return two(token.NE)
		}
		return one(token.LT)
	case '>':
		if c2 == '=' {
			return two(token.GE)
		}
		return one(token.GT)
	case '+':
		return one(token.PLUS)
	case '-':
		return one(token.MINUS)
	case '*':
		return one(token.STAR)
	case '/':
		return one(token.SLASH)
	case '%':
		return one(token.PERCENT)
	case '$':
		return one(token.DOLLAR)
	case '?':
		return one(token.QUESTION)
	}
	s.off++
	s.errorf(s.off-1, s.off, "illegal character %q", rune(c))
	return token.Token{Kind: token.ILLEGAL}
}
