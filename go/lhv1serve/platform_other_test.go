//go:build !linux

package lhv1serve

const linux = false
