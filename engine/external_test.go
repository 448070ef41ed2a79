package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rmmhunt/rmmhunt/engine"
	"github.com/rmmhunt/rmmhunt/kql/kqltest"
	"github.com/rmmhunt/rmmhunt/query"
)

// TestExternalData runs externaldata over local files mapped to URLs.
func TestExternalData(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ext := map[string]string{
		"https://example.com/feed.csv":  write("feed.csv", "# comment\nhash1,AnyDesk,5\n\"hash,2\",\"Ninja \"\"RMM\"\"\",\nhash3,x\n"),
		"https://example.com/feed.tsv":  write("feed.tsv", "h\tn\nA\t1\nB\t2\n"),
		"https://example.com/list":      write("list.txt", "first line\r\nsecond, with comma\n"),
		"https://example.com/data.json": write("data.json", "{\"Name\":\"a\",\"N\":1,\"Tags\":[1,2]}\n{\"Name\":\"b\",\"Extra\":true}\n"),
		"https://example.com/arr.json":  write("arr.json", "[{\"Name\":\"c\",\"N\":3.0}]"),
	}
	cases := []struct {
		name, query, want string
	}{
		{"csv with typed columns and short rows",
			`externaldata(Hash:string, Tool:string, Score:long) [@"https://example.com/feed.csv"] with (format="csv")
			| where Hash !startswith "#"`,
			`datatable(Hash:string, Tool:string, Score:long) ["hash1", "AnyDesk", 5, "hash,2", "Ninja \"RMM\"", long(null), "hash3", "x", long(null)]`},
		{"csv ignoreFirstRecord",
			`externaldata(Hash:string) ["https://example.com/feed.csv"] with (ignoreFirstRecord=true) | count`,
			`datatable(Count:long) [3]`},
		{"tsv",
			`externaldata(h:string, n:int) ["https://example.com/feed.tsv"] with (format="tsv", ignoreFirstRecord=true)`,
			`datatable(h:string, n:int) ["A", 1, "B", 2]`},
		{"txt is one record per line",
			`externaldata(line:string) ["https://example.com/list"] with (format="txt")`,
			`datatable(line:string) ["first line", "second, with comma"]`},
		{"json lines by column name",
			`externaldata(Name:string, N:long, Tags:dynamic) ["https://example.com/data.json"] with (format="multijson")`,
			`datatable(Name:string, N:long, Tags:dynamic) ["a", 1, dynamic([1, 2]), "b", long(null), dynamic(null)]`},
		{"a json array, the format from the extension",
			`externaldata(Name:string, N:long) ["https://example.com/arr.json"]`,
			`datatable(Name:string, N:long) ["c", 3]`},
		{"several URLs are concatenated",
			`externaldata(h:string) ["https://example.com/feed.tsv", "https://example.com/feed.tsv"] with (format="tsv") | count`,
			`datatable(Count:long) [6]`},
		{"used in a let with materialize, as hunting queries do",
			`let Feed = materialize((externaldata(report:string) ["https://example.com/list"] with (format = "txt")) | where report !startswith "#");
			Feed | where report has "comma" | project report`,
			`datatable(report:string) ["second, with comma"]`},
	}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mem := engine.NewMemSource(nil)
			mem.External = ext
			q, err := query.CompileString("q", c.query, mem.CatalogAt(now))
			if err != nil {
				t.Fatalf("compile: %v\n%s", err, q.Diags.Format())
			}
			got, err := q.Run(context.Background(), mem, now)
			if err != nil {
				t.Fatal(err)
			}
			want, _, err := kqltest.EngineBackend{}.Run(context.Background(), nil, c.want, now)
			if err != nil {
				t.Fatal(err)
			}
			if err := kqltest.Compare(got, want, true); err != nil {
				t.Error(err)
			}
		})
	}
	t.Run("an unmapped URL is an error naming it and the flag", func(t *testing.T) {
		mem := engine.NewMemSource(nil)
		q, err := query.CompileString("q", `externaldata(x:string) ["https://example.com/missing.csv"]`, mem.CatalogAt(now))
		if err != nil {
			t.Fatal(err)
		}
		_, err = q.Run(context.Background(), mem, now)
		if err == nil || !strings.Contains(err.Error(), "https://example.com/missing.csv") || !strings.Contains(err.Error(), "--external") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("Options.External takes precedence", func(t *testing.T) {
		mem := engine.NewMemSource(nil)
		q, err := query.CompileString("q", `externaldata(x:string) ["u"] with (format="txt")`, mem.CatalogAt(now))
		if err != nil {
			t.Fatal(err)
		}
		got, err := engine.Run(context.Background(), q.Root, mem, engine.Options{External: map[string]string{"u": ext["https://example.com/list"]}})
		if err != nil || got.Rows() != 2 {
			t.Fatalf("got %v, %v", got, err)
		}
	})
}
