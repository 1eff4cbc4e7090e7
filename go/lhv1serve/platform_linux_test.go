package lhv1serve

const linux = true
