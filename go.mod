module github.com/rmmhunt/rmmhunt

go 1.26.8
