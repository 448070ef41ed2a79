package parser
import ("testing";"fmt";"github.com/rmmhunt/rmmhunt/kql/token")
func TestTmp(t *testing.T){
 for _, src := range []string{
  "T | where x == | project y",
  "T | where (a > 1 | project y",
  "T | where a has_any ('x' 'y' | take 1",
  "T | frobnicate x | where a !has_any ('x') | take",
  "let x = ; T | summarize count() by",
  "T | where a in ('x', ) | sort a",
  "T | where s == \"abc | take 1",
  "T | join kind=inner (U) | extend a = b c",
  "T | where a == 1 and",
  "T where a == 1",
  "let f = (a:long) { T | where x == a ; T | foo }; f(1)",
  "datatable(a:long)[1,2",
  "T | extend x = dynamic([1, 2,])",
  "T | extend x = datetime(2020-01-01",
 } {
  q, d := ParseQuery(token.NewFile("q", src))
  fmt.Printf("== %s\n%s", src, d.Format())
  _ = q
 }
}
