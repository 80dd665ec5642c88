package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// terminal talks to the person at the keyboard. Prompts only happen when
// one is attached; otherwise the CLI fails with an error naming the
// environment variable to set.
type terminal interface {
	// Interactive reports whether a person can answer prompts.
	Interactive() bool
	// ReadSecret asks for a secret without echoing it.
	ReadSecret(prompt string) (string, error)
	// ReadLine asks for a line of visible text.
	ReadLine(prompt string) (string, error)
}

// errNoTerminal is returned by prompts without a terminal.
var errNoTerminal = errors.New("no terminal to ask")

// ttyTerminal prompts on stderr and reads from stdin when stdin is a
// terminal.
type ttyTerminal struct {
	in     io.Reader
	fd     int
	tty    bool
	prompt io.Writer
	lines  *bufio.Reader
}

// newTerminal returns the terminal behind stdin, if stdin is one.
func newTerminal(stdin io.Reader, stderr io.Writer) terminal {
	t := &ttyTerminal{in: stdin, prompt: stderr, fd: -1}
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		t.fd, t.tty = int(f.Fd()), true
	}
	return t
}

// Interactive reports whether stdin is a terminal.
func (t *ttyTerminal) Interactive() bool { return t.tty }

// ReadSecret reads a line without echo.
func (t *ttyTerminal) ReadSecret(prompt string) (string, error) {
	if !t.tty {
		return "", errNoTerminal
	}
	fmt.Fprint(t.prompt, prompt)
	b, err := term.ReadPassword(t.fd)
	fmt.Fprintln(t.prompt)
	if err != nil {
		return "", fmt.Errorf("read from terminal: %w", err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// ReadLine reads a visible line.
func (t *ttyTerminal) ReadLine(prompt string) (string, error) {
	if !t.tty {
		return "", errNoTerminal
	}
	if t.lines == nil {
		t.lines = bufio.NewReader(t.in)
	}
	fmt.Fprint(t.prompt, prompt)
	s, err := t.lines.ReadString('\n')
	if err != nil && (s == "" || !errors.Is(err, io.EOF)) {
		return "", fmt.Errorf("read from terminal: %w", err)
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// confirm asks a yes/no question; only "y" or "yes" agree.
func confirm(t terminal, question string) (bool, error) {
	answer, err := t.ReadLine(question + " [y/N] ")
	if err != nil {
		return false, err
	}
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}
