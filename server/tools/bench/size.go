package main

import (
	"bytes"
	"compress/gzip"
	"os"

	"github.com/andybalholm/brotli"
)

// wasmSize is row 2: the client's size as built and as compressed.
type wasmSize struct {
	File        string `json:"file"`
	RawBytes    int    `json:"raw_bytes"`
	GzipBytes   int    `json:"gzip9_bytes"`
	BrotliBytes int    `json:"brotli11_bytes"`
}

// brotliWindow is the brotli CLI's default window (-w 24) at -q 11, so the
// figure matches `brotli -q 11` and `task size`.
const brotliWindow = 24

func measureWasm(path string) (wasmSize, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return wasmSize{}, err
	}
	s := wasmSize{File: path, RawBytes: len(raw)}

	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression) // a valid level cannot fail
	if _, err := zw.Write(raw); err != nil {
		return wasmSize{}, err
	}
	if err := zw.Close(); err != nil {
		return wasmSize{}, err
	}
	s.GzipBytes = gz.Len()

	var br bytes.Buffer
	bw := brotli.NewWriterOptions(&br, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: brotliWindow})
	if _, err := bw.Write(raw); err != nil {
		return wasmSize{}, err
	}
	if err := bw.Close(); err != nil {
		return wasmSize{}, err
	}
	s.BrotliBytes = br.Len()
	return s, nil
}
