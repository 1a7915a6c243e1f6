module github.com/wxmp/wxmp

go 1.26
