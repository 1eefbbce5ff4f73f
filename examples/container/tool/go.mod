module example.com/demo-tool

go 1.19
