module github.com/deepnet-go/deepnet

go 1.26.8
