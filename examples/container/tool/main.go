// demo-tool: a stand-in for a Go service shipped in the demo image; purser reads its embedded build information.
package main

import "fmt"

func main() { fmt.Println("demo-tool") }
