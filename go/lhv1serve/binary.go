package lhv1serve

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// BuildDir is the build directory FindBinary uses inside a checkout.
const BuildDir = "build-lhv1serve"

// FindBinary is the lhv1 binary Start runs: bin when given, else
// $LHV1_BIN, else the CLI built in the checkout buildFrom (or
// $LHV1_BUILD_FROM), else lhv1 on PATH. An installed CLI is found on PATH:
// the Debian package (`cmake --workflow --preset cli` builds it) puts it in
// /usr/bin, `cmake --install BUILD` in PREFIX/bin (/usr/local/bin unless
// --prefix says otherwise; add PREFIX/bin to PATH, or set $LHV1_BIN to
// PREFIX/bin/lhv1, for any other prefix).
func FindBinary(bin, buildFrom string) (string, error) {
	if bin == "" {
		bin = os.Getenv("LHV1_BIN")
	}
	if bin != "" {
		return executable(bin)
	}
	if buildFrom == "" {
		buildFrom = os.Getenv("LHV1_BUILD_FROM")
	}
	if buildFrom != "" {
		return Build(buildFrom)
	}
	p, err := exec.LookPath("lhv1")
	if err != nil {
		return "", errors.New("no lhv1 binary: put it on PATH, set LHV1_BIN to it, or set LHV1_BUILD_FROM to a harness checkout to build it (docs/GO.md)")
	}
	return executable(p)
}

func executable(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("lhv1 binary: %w", err)
	}
	if st.IsDir() || st.Mode().Perm()&0o111 == 0 {
		return "", fmt.Errorf("lhv1 binary %s is not an executable file", abs)
	}
	return abs, nil
}

// Build builds the lhv1 CLI in checkout/build-lhv1serve (configured once
// as the checkout's `cli` preset is: Ninja, Release, no tests, no
// sanitizer variant, spelled out for checkouts older than the presets;
// then `cmake --build
// --target lhv1`, which does nothing when it is up to date) and returns
// its path. Test processes building at once take turns (a lock file in
// the build directory). It needs cmake, Ninja, a C compiler and the
// libraries the CLI links (docs/GO.md lists the Debian packages).
func Build(checkout string) (string, error) {
	src, err := filepath.Abs(checkout)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(src, "CMakeLists.txt")); err != nil {
		return "", fmt.Errorf("LHV1_BUILD_FROM=%s is not a harness checkout: %w", checkout, err)
	}
	dir := filepath.Join(src, BuildDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	unlock, err := lockFile(filepath.Join(dir, ".lhv1serve.lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	if _, err := os.Stat(filepath.Join(dir, "CMakeCache.txt")); err != nil {
		if err := run("cmake", "-S", src, "-B", dir, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
			"-DLHV1_BUILD_TESTS=OFF", "-DLHV1_SANITIZE=OFF"); err != nil {
			return "", err
		}
	}
	if err := run("cmake", "--build", dir, "--target", "lhv1"); err != nil {
		return "", err
	}
	return findBuilt(dir)
}

// findBuilt is the one executable named lhv1 under the build directory
// (where the CLI lands moves with the source layout).
func findBuilt(dir string) (string, error) {
	var found []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "CMakeFiles" {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() && d.Name() == "lhv1" {
			if st, err := d.Info(); err == nil && st.Mode().Perm()&0o111 != 0 {
				found = append(found, p)
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if len(found) != 1 {
		return "", fmt.Errorf("%d executables named lhv1 under %s, want one: %v", len(found), dir, found)
	}
	return found[0], nil
}

func run(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}
