module github.com/dracoon-go/dracoon

go 1.26
