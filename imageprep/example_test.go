package imageprep_test

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"

	"github.com/deepnet-go/deepnet/imageprep"
)

// A "7" drawn in dark ink on a large white canvas becomes a 28×28 MNIST
// digit: light on dark, 20 pixels tall, centred by its centre of mass.
func ExampleDigit() {
	img := image.NewRGBA(image.Rect(0, 0, 300, 400))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	ink := image.NewUniform(color.Black)
	draw.Draw(img, image.Rect(60, 60, 240, 90), ink, image.Point{}, draw.Src) // the bar
	for y := 90; y < 340; y++ {                                               // the stem, leaning left
		x := 240 - (y-90)*2/5
		draw.Draw(img, image.Rect(x-30, y, x, y+1), ink, image.Point{}, draw.Src)
	}
	d, err := imageprep.Digit(img)
	if err != nil {
		fmt.Println(err)
		return
	}
	for y := 1; y < imageprep.Size; y += 2 { // every other row and column
		for x := 1; x < imageprep.Size; x += 2 {
			fmt.Print(string(".-+*#"[int(d[y*imageprep.Size+x])*5/256]))
		}
		fmt.Println()
	}
	_, err = imageprep.Digit(image.NewGray(image.Rect(0, 0, 50, 50)))
	fmt.Println(err)
	// Output:
	// ..............
	// ..............
	// ..............
	// ..............
	// ...#######....
	// ........*+....
	// ........#.....
	// .......-#.....
	// .......#......
	// .......#......
	// ......*+......
	// ......#.......
	// .....-#.......
	// .....#........
	// imageprep: image of nearly one level: no digit found
}
