package common

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// NodeReader reads one node's key and vector in a version's node layout.
type NodeReader func(r *bufio.Reader) (key string, vec []float32, err error)

// ReadString reads a coder/hnsw string: varint length, then the bytes.
func ReadString(r *bufio.Reader) (string, error) {
	n, err := binary.ReadVarint(r)
	if err != nil {
		return "", err
	}
	if n < 0 || n > int64(r.Size())+1<<24 {
		return "", errors.New("string length out of range")
	}
	b := make([]byte, n)
	_, err = io.ReadFull(r, b)
	return string(b), err
}

// ReadFloats reads n little-endian float32s.
func ReadFloats(r *bufio.Reader, n int) ([]float32, error) {
	if n < 0 || n > 1<<24 {
		return nil, errors.New("vector length out of range")
	}
	v := make([]float32, n)
	return v, binary.Read(r, binary.LittleEndian, v)
}

// Dump is the canonical text of an exported graph: parameters, then each
// layer's nodes sorted by key with their vector (exact bits) and sorted
// neighbour keys. Export order follows Go map iteration; this does not.
func Dump(graph []byte, node NodeReader) (string, error) {
	r := bufio.NewReader(bytes.NewReader(graph))
	var b strings.Builder
	varint := func() (int64, error) { return binary.ReadVarint(r) }
	version, err := varint()
	if err != nil {
		return "", err
	}
	m, err := varint()
	if err != nil {
		return "", err
	}
	var ml float64
	if err := binary.Read(r, binary.LittleEndian, &ml); err != nil {
		return "", err
	}
	ef, err := varint()
	if err != nil {
		return "", err
	}
	dist, err := ReadString(r)
	if err != nil {
		return "", err
	}
	layers, err := varint()
	if err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "version %d m %d ml %x ef %d distance %q layers %d\n",
		version, m, math.Float64bits(ml), ef, dist, layers)
	for l := int64(0); l < layers; l++ {
		n, err := varint()
		if err != nil {
			return "", err
		}
		var lines []string
		for i := int64(0); i < n; i++ {
			key, vec, err := node(r)
			if err != nil {
				return "", fmt.Errorf("layer %d node %d: %w", l, i, err)
			}
			nn, err := varint()
			if err != nil {
				return "", err
			}
			if nn < 0 || nn > 1<<20 {
				return "", errors.New("neighbour count out of range")
			}
			nbrs := make([]string, nn)
			for j := range nbrs {
				if nbrs[j], err = ReadString(r); err != nil {
					return "", err
				}
			}
			sort.Strings(nbrs)
			bits := make([]string, len(vec))
			for j, f := range vec {
				bits[j] = fmt.Sprintf("%08x", math.Float32bits(f))
			}
			lines = append(lines, fmt.Sprintf("  %q [%s] -> %q", key,
				strings.Join(bits, " "), nbrs))
		}
		sort.Strings(lines)
		fmt.Fprintf(&b, "layer %d nodes %d\n%s\n", l, n, strings.Join(lines, "\n"))
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return "", errors.New("bytes after the last layer")
	}
	return b.String(), nil
}

// ReadKeyValue is the node layout of hnsw.Vector before v0.6.0 and of
// Node{Key, Value} from v0.6.0 on: string key, varint count, float32s.
func ReadKeyValue(r *bufio.Reader) (string, []float32, error) {
	key, err := ReadString(r)
	if err != nil {
		return "", nil, err
	}
	n, err := binary.ReadVarint(r)
	if err != nil {
		return "", nil, err
	}
	vec, err := ReadFloats(r, int(n))
	return key, vec, err
}
